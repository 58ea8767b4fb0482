/* What lwIP needs from the OS in NO_SYS mode: a millisecond clock and randomness. */
#include <stdint.h>
#include "duet/time.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
    return (u32_t)(monotonic_ns() / 1000000ULL);
}

/*
 * xorshift64*, seeded from the counter on first use: TCP sequence numbers,
 * ports and DHCP ids differ from boot to boot. Not for cryptography.
 */
uint32_t duet_lwip_rand(void)
{
    static uint64_t s;
    if (!s)
        s = counter_read() * 0x9e3779b97f4a7c15ULL | 1;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return (uint32_t)((s * 0x2545f4914f6cdd1dULL) >> 32);
}
