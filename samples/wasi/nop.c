/* nop: starts and exits 0. Measures cold start (compile + instantiate + _start). */
int main(void) { return 0; }
