/* Returns the status given as argv[1], to test exit-status plumbing. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: exitcode STATUS\n");
        return 3;
    }
    return atoi(argv[1]);
}
