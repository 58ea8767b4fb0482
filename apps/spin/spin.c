/* Never stops: for timeout handling. */
#include <stdio.h>

int main(void)
{
    printf("spinning forever\n");
    for (volatile unsigned long i = 0;; i++)
        ;
}
