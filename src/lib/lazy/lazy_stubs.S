/* SPDX-License-Identifier: MIT */
/*
 * x86-64 stubs for the lazily loaded functions (lazy_link.c).  Each listed
 * function is a stub that jumps through its slot.  A slot first points at
 * the function's resolver entry, which hands the slot's address to
 * jailor_lazy_resolve and jumps to what it returns: the real function, the
 * caller's arguments untouched (integer and vector registers are saved
 * around the call, %al too, so variadic functions like curl_easy_setopt
 * get theirs).  From then on the slot holds the real function: one
 * indirect jump per call, as through the PLT.
 */

        .section .data.rel.local.jailor_lazy, "aw"
        .balign 8
        .globl jailor_lazy_slots
        .hidden jailor_lazy_slots
jailor_lazy_slots:
#define LAZY_SYMBOL(lib, name) lazy_slot_##name: .quad lazy_entry_##name;
#include "lazy_symbols.h"
#undef LAZY_SYMBOL

        .text
#define LAZY_SYMBOL(lib, name)                                  \
        .globl name; .hidden name; .type name, @function;       \
name:   jmp *lazy_slot_##name(%rip);                            \
lazy_entry_##name:                                              \
        leaq lazy_slot_##name(%rip), %r11;                      \
        jmp lazy_resolve_and_jump;                              \
        .size name, . - name;
#include "lazy_symbols.h"
#undef LAZY_SYMBOL

/* In: %r11 = the slot.  The stack is as the caller left it for the real function. */
        .type lazy_resolve_and_jump, @function
lazy_resolve_and_jump:
        pushq %rdi
        pushq %rsi
        pushq %rdx
        pushq %rcx
        pushq %r8
        pushq %r9
        pushq %rax
        /* 7 pushes after the return address: %rsp is 16-byte aligned again */
        subq $128, %rsp
        movdqu %xmm0, 0(%rsp)
        movdqu %xmm1, 16(%rsp)
        movdqu %xmm2, 32(%rsp)
        movdqu %xmm3, 48(%rsp)
        movdqu %xmm4, 64(%rsp)
        movdqu %xmm5, 80(%rsp)
        movdqu %xmm6, 96(%rsp)
        movdqu %xmm7, 112(%rsp)
        movq %r11, %rdi
        call jailor_lazy_resolve
        movq %rax, %r11
        movdqu 0(%rsp), %xmm0
        movdqu 16(%rsp), %xmm1
        movdqu 32(%rsp), %xmm2
        movdqu 48(%rsp), %xmm3
        movdqu 64(%rsp), %xmm4
        movdqu 80(%rsp), %xmm5
        movdqu 96(%rsp), %xmm6
        movdqu 112(%rsp), %xmm7
        addq $128, %rsp
        popq %rax
        popq %r9
        popq %r8
        popq %rcx
        popq %rdx
        popq %rsi
        popq %rdi
        jmp *%r11
        .size lazy_resolve_and_jump, . - lazy_resolve_and_jump

        .section .note.GNU-stack, "", @progbits
