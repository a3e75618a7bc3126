/* spin: loops forever without making any syscall (tests the timeout / worker termination path). */
int main(void) {
  volatile unsigned long counter = 0;
  for (;;) counter++;
}
