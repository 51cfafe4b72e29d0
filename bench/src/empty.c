/* Startup-overhead probe: a static program that does nothing. */
int main(void)
{
    return 0;
}
