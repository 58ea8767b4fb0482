"""Lab cases for the exit benchmark's rows and the host's memory footprint.

They check facts, not speeds (speeds under emulation are no verdict):
every row prints, hvc_user appears exactly where the kernel has the SMCCC
filter (Linux >= 6.4), a first touch costs more than a store to a mapped
page (else the row measured no fault), and guest RAM gets small pages even
with THP "always" (the lab's setting).
"""
from cases import ShellCase  # noqa: E402  (tests/e2e is on the path)

_KERNEL_AT_LEAST_6_4 = ('v=$(uname -r); maj=${v%%.*}; rest=${v#*.}; min=${rest%%.*}; '
                        'if [ $maj -gt 6 ] || { [ $maj = 6 ] && [ $min -ge 4 ]; }; ')

_P50 = "awk '$1 == \"row\" && $2 == \"%s\" { for (i = 3; i <= NF; i++) " \
       "if ($i ~ /^p50_ns=/) { sub(/p50_ns=/, \"\", $i); print $i } }' /tmp/eb.out"

PERF_SHELL_CASES = [
    ShellCase("exitbench: every row; hvc_user exactly on kernels with the SMCCC filter",
              "./duet run apps/exitbench.duet.elf -- 50 > /tmp/eb.out; st=$?; cat /tmp/eb.out; "
              "[ $st = 0 ] || exit 1; "
              "for r in hvc hypercall floor_mmio_exit mmio_vgic sysreg_trap timer_irq wfi_wake "
              "stage2_fault store_mapped_page inject_irq; do "
              "grep -q \"^row $r n=50 k=\" /tmp/eb.out || { echo \"no row $r\"; exit 1; }; done; "
              + _KERNEL_AT_LEAST_6_4 +
              "then grep -q '^row hvc_user ' /tmp/eb.out; else grep -q '^skip hvc_user ' /tmp/eb.out; fi "
              "|| { echo 'hvc_user does not match the kernel'; exit 1; }; "
              "f=$(" + _P50 % "stage2_fault" + "); m=$(" + _P50 % "store_mapped_page" + "); "
              "echo \"fault_p50=$f mapped_p50=$m\"; [ \"$f\" -gt $((2 * m)) ]",
              0, ["row stage2_fault", "fault_p50="], timeout=240),
    ShellCase("hello's guest RAM gets small pages under THP always",
              "cat /sys/kernel/mm/transparent_hugepage/enabled; "
              "./duet run --verbose apps/hello.duet.elf 2>/tmp/v.err >/dev/null || exit 1; "
              "grep 'count guest RAM' /tmp/v.err; "
              "n=$(awk '/resident at exit/ {print $NF}' /tmp/v.err); "
              "[ -n \"$n\" ] && [ \"$n\" -gt 0 ] && [ \"$n\" -lt 512 ]",
              0, ["[always]", "resident at main()", "resident at exit"]),
]
