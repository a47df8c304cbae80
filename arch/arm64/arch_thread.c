#include <string.h>
#include <arch/context.h>

void arch_thread_trampoline(void);

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*entry)(void *), void *arg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->x19 = (uint64_t)entry;
	ctx->x20 = (uint64_t)arg;
	ctx->lr = (uint64_t)arch_thread_trampoline;
	ctx->sp = (uint64_t)stack_top & ~15UL;
}
