/*
 * The target description gdb asks for with qXfer:features:read:target.xml:
 * the features gdb's aarch64 port requires by name (org.gnu.gdb.aarch64.core
 * and .fpu, registers named as gdb documents them), written here rather
 * than copied from gdb's tree. Register numbers follow gdb_commands.h.
 */
#include <stdio.h>
#include "debug/gdb_commands.h"

unsigned gdb_reg_size(unsigned n)
{
    if (n < GDB_REG_CPSR)
        return 8;
    if (n >= GDB_REG_V0 && n < GDB_REG_FPSR)
        return 16;
    return 4;
}

static const char head[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>aarch64</architecture>\n"
    "<feature name=\"org.gnu.gdb.aarch64.core\">\n";

/* Lanes of a v register, as gdb shows them ($v0.d.u, $v0.s.f, $v0.b.u ...). */
static const char vector_types[] =
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/></union>\n"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/></union>\n"
    "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/></union>\n"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/></union>\n"
    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/></union>\n"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
    "<field name=\"q\" type=\"vnq\"/></union>\n";

const char *gdb_target_xml(size_t *len)
{
    static char xml[8192];
    static size_t n;
    if (!n) {
        int k = snprintf(xml, sizeof xml, "%s", head);
        for (int i = 0; i < 31; i++)
            k += snprintf(xml + k, sizeof xml - (size_t)k,
                          "<reg name=\"x%d\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", i, i);
        k += snprintf(xml + k, sizeof xml - (size_t)k,
                      "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"31\"/>\n"
                      "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
                      "<reg name=\"cpsr\" bitsize=\"32\" type=\"int\" regnum=\"33\"/>\n"
                      "</feature>\n<feature name=\"org.gnu.gdb.aarch64.fpu\">\n%s", vector_types);
        for (int i = 0; i < 32; i++)
            k += snprintf(xml + k, sizeof xml - (size_t)k,
                          "<reg name=\"v%d\" bitsize=\"128\" type=\"aarch64v\" regnum=\"%d\"/>\n",
                          i, GDB_REG_V0 + i);
        k += snprintf(xml + k, sizeof xml - (size_t)k,
                      "<reg name=\"fpsr\" bitsize=\"32\" type=\"int\" regnum=\"66\"/>\n"
                      "<reg name=\"fpcr\" bitsize=\"32\" type=\"int\" regnum=\"67\"/>\n"
                      "</feature>\n</target>\n");
        n = (size_t)k < sizeof xml ? (size_t)k : sizeof xml - 1;
    }
    *len = n;
    return xml;
}
