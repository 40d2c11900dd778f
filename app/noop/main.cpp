// proclab-noop: a static program that returns at once. `proclab-cli bench` and the costs lesson
// start it to measure the machine's own limit for starting and joining a process: posix_spawn,
// exec, the C library's start-up, exit and waitpid, with nothing of ProcLab's in the way.
int main() { return 0; }
