/*
 * Joining the guest's argv into one /chosen/bootargs string that the guest
 * splits back into exactly the same argv.
 *
 * What bootargs_join() writes (a subset of the grammar below):
 *   - arguments separated by exactly one space (0x20), none leading/trailing;
 *   - an argument made only of the "safe" bytes  A-Z a-z 0-9 _ . / = : , + - @ %
 *     and not empty is written as is;
 *   - any other argument (including the empty one) is wrapped in single
 *     quotes; each single quote inside it is written as  '\''  (close the
 *     quote, a backslash-escaped quote, reopen). All other bytes, including
 *     spaces, tabs, newlines, double quotes, backslashes and non-ASCII bytes,
 *     appear unchanged between the quotes.
 *   Example: argv {"a b", "", "it's", "x"}  ->  'a b' '' 'it'\''s' x
 *
 * The grammar the guest's splitter must accept (a POSIX-shell-like subset):
 *   - words are separated by one or more spaces or tabs; leading and trailing
 *     blanks are ignored; an empty string gives argc 0;
 *   - a word is a run of the following pieces, concatenated:
 *       plain byte      any byte other than blank, ' , " , \   -> itself
 *       \c              outside quotes: the byte c, literally (any c);
 *                       a backslash at the very end is kept as itself
 *       '...'           everything up to the next ' literally (no escapes)
 *       "..."           up to the next unescaped " ; inside, \" -> " and
 *                       \\ -> \ ; any other backslash is kept literally
 *   - a quoted piece, even empty, makes a word exist ('' is an empty arg);
 *   - an unterminated quote runs to the end of the string.
 */
#ifndef DUET_BOOTARGS_H
#define DUET_BOOTARGS_H

#include <stddef.h>

/*
 * Writes the joined, NUL-terminated string into out. Returns its length
 * (without the NUL), or -1 when it does not fit in outlen bytes (out is
 * then set to "" if outlen > 0). argc 0 gives "".
 */
int bootargs_join(char *out, size_t outlen, int argc, char *const argv[]);

#endif
