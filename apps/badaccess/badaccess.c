/* Writes to an unmapped address: the guest must report the fault and stop (112). */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x1000;
    printf("writing to %p\n", (void *)p);
    *p = 42;
    printf("still alive?\n");
    return 0;
}
