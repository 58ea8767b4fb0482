/* Calls abort(): the guest must print a crash report and stop with status 112. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    abort();
}
