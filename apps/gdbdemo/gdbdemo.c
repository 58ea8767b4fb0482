/*
 * A target for gdb-multiarch (tests/e2e/gdb_live_cases.py, README "Debugging"):
 * a global that changes (watch ticks), a call chain with locals (break square,
 * bt, finish, print sq), and an exit status from argv[1].
 */
#include <stdio.h>
#include <stdlib.h>

volatile int ticks;

int square(int n)
{
    int sq = n * n;
    return sq;
}

void tick(int step)
{
    int before = ticks;
    ticks = before + square(step);
}

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 0;
    for (int i = 1; i <= 3; i++)
        tick(i);
    printf("gdbdemo: ticks %d, status %d\n", ticks, status);
    return status;
}
