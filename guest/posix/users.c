/* One user, root, whose home is "/": what getpwuid and friends find. */
#include <pwd.h>
#include <grp.h>
#include <string.h>
#include "sysret.h"

static struct passwd root_user = {
    .pw_name = "root", .pw_passwd = "x", .pw_uid = 0, .pw_gid = 0,
    .pw_gecos = "root", .pw_dir = "/", .pw_shell = "",
};
static char *no_members[] = { NULL };
static struct group root_group = { .gr_name = "root", .gr_passwd = "x", .gr_gid = 0,
                                   .gr_mem = no_members };

struct passwd *getpwuid(uid_t uid) { return uid == 0 ? &root_user : (errno = 0, NULL); }
struct passwd *getpwnam(const char *name)
{
    return name && !strcmp(name, "root") ? &root_user : (errno = 0, NULL);
}
struct group *getgrgid(gid_t gid) { return gid == 0 ? &root_group : (errno = 0, NULL); }
struct group *getgrnam(const char *name)
{
    return name && !strcmp(name, "root") ? &root_group : (errno = 0, NULL);
}
char *getlogin(void) { return root_user.pw_name; }
