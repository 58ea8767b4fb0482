/* duet: the Duet host. Dispatches to the subcommands of commands.h. */
#include <stdio.h>
#include <string.h>
#include "cli/commands.h"
#include "duet/hypercall.h"

static const char usage[] =
    "usage: duet COMMAND [ARGS...]\n"
    "\n"
    "commands:\n"
    "  run [options] GUEST.elf [-- ARGS]   boot a guest on KVM (duet run --help)\n"
    "  regs decode ID | encode NAME | list  KVM ONE_REG register ids\n"
    "  irq decode VALUE | encode TYPE N [vcpu V]\n"
    "                                       KVM_IRQ_LINE irq field values\n"
    "  info IMAGE                           the image's ABI version and declared devices\n"
    "  floor [--repeat N]                   time a bare KVM boot to its first exit\n"
    "  timeit CMD [ARGS...]                 wall time of one run of CMD (benchmarks)\n"
    "  --version                            the hypercall ABI version\n"
    "\n"
    "exit status: see duet run --help; tool commands exit 2 on bad input.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return DUET_STATUS_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "regs"))
        return cmd_regs(argc - 1, argv + 1);
    if (!strcmp(cmd, "irq"))
        return cmd_irq(argc - 1, argv + 1);
    if (!strcmp(cmd, "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "floor"))
        return cmd_floor(argc - 1, argv + 1);
    if (!strcmp(cmd, "timeit"))
        return cmd_timeit(argc - 1, argv + 1);
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("duet (hypercall ABI %d)\n", DUET_ABI_VERSION);
        return 0;
    }
    fprintf(stderr, "duet: unknown command '%s'\n%s", cmd, usage);
    return DUET_STATUS_USAGE;
}
