/* SPDX-License-Identifier: MIT */
#ifndef DEBUGGER_IMAGE_H
#define DEBUGGER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read a whole guest image (at most 256 MiB). Returns a malloc'd buffer
 * and its size, or NULL after printing why.
 */
uint8_t *image_read(const char *path, size_t *len);

#endif
