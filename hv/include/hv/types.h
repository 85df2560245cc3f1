/* SPDX-License-Identifier: MIT */
/*
 * Address spaces, each its own name.
 *
 *   gva  guest virtual address      what guest instructions use
 *   gpa  guest physical address     the output of the guest's own tables
 *   gfn  guest frame number         gpa >> 12
 *   ipa  intermediate physical      arm64's name for a gpa (stage-2 input)
 *   hpa  host physical address      an offset into the host-physical arena
 *   hfn  host frame number          hpa >> 12
 *
 * C cannot keep integer typedefs apart, so the names are the discipline:
 * a variable called gpa holds a gpa_t, and converting between spaces is
 * always a named function (memslot_gfn_to_hfn, tdp walk, guest walk).
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t gva_t;
typedef uint64_t gpa_t;
typedef uint64_t gfn_t;
typedef uint64_t ipa_t;
typedef uint64_t hpa_t;
typedef uint64_t hfn_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define gpa_to_gfn(gpa) ((gfn_t)((gpa) >> PAGE_SHIFT))
#define gfn_to_gpa(gfn) ((gpa_t)(gfn) << PAGE_SHIFT)
#define hpa_to_hfn(hpa) ((hfn_t)((hpa) >> PAGE_SHIFT))
#define hfn_to_hpa(hfn) ((hpa_t)(hfn) << PAGE_SHIFT)

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1ull << (n))
/* Bits hi..lo inclusive, as the manuals write them. */
#define GENMASK(hi, lo) (((~0ull) >> (63 - (hi))) & ~((1ull << (lo)) - 1))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
