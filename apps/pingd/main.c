/*
 * pingd: the smallest network appliance. lwIP answers ICMP echo (and ARP)
 * by itself; the app only brings the stack up and runs its loop.
 *     duet run --net:net0=tap0 pingd.duet.elf -- net0=10.0.2.2/24 [for=SECONDS]
 */
#include <stdio.h>
#include "duet/netstack.h"

int main(int argc, char **argv)
{
    if (netstack_start(argc, argv) < 0)
        return 1;
    printf("pingd: answering pings\n");
    fflush(stdout);
    netstack_serve(argc, argv);
    return 0;
}
