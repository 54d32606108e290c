/* bin/lmgsweep: blocks SIGTERM and SIGUSR1, then executes the engine (lmgsweep-engine beside it). Loading the engine's
   libraries takes ~30 ms, during which a drain signal would kill it; blocked, the signal waits until the engine has
   installed its handler and unblocks it (an exec keeps the mask). Plain C and libc only, linked statically. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  sigset_t drain;
  char     path[PATH_MAX];
  ssize_t  n;
  char    *slash;

  (void)argc;
  sigemptyset(&drain);
  sigaddset(&drain, SIGTERM);
  sigaddset(&drain, SIGUSR1);
  sigprocmask(SIG_BLOCK, &drain, NULL);
  n = readlink("/proc/self/exe", path, sizeof path - 32);
  if (n < 0) n = (ssize_t)snprintf(path, sizeof path - 32, "%s", argv[0]);
  path[n] = '\0';
  slash   = strrchr(path, '/');
  strcpy(slash ? slash + 1 : path, "lmgsweep-engine");
  execv(path, argv);
  fprintf(stderr, "lmgsweep: error: cannot start the engine %s (%s): run 'make all'\n", path, strerror(errno));
  return 2;
}
