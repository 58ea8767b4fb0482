/* The parts of the sockecho app. */
#ifndef SOCKECHO_H
#define SOCKECHO_H

int socket_errors(void);

#endif
