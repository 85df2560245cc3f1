#include "guest.h"
void guest_main(void){report(1,"x");}
