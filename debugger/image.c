/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "debugger/image.h"

#define IMAGE_MAX (256u << 20)

uint8_t *image_read(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		fprintf(stderr, "quadrant: cannot open image '%s': %s\n", path,
			strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "quadrant: '%s' is not a regular file\n", path);
		fclose(fp);
		return NULL;
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > IMAGE_MAX) {
		fprintf(stderr, "quadrant: '%s': %s\n", path,
			st.st_size ? "larger than 256 MiB" : "empty file");
		fclose(fp);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fprintf(stderr, "quadrant: cannot read '%s'\n", path);
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = (size_t)st.st_size;
	return buf;
}
