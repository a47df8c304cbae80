#include <stdio.h>
#include <string.h>
#include <arch/spinlock.h>
#include <libs/list.h>
#include <libs/ring.h>
#include <mantle/vserial.h>
#include <mantle/console.h>
#include <mantle/heap.h>
#include <mantle/log.h>

#define HISTORY_SIZE 16384
#define INPUT_SIZE   256
#define CTRL_RBRACKET 0x1d

struct vserial {
	char name[VSERIAL_NAME_MAX];
	struct list_node node;
	char history[HISTORY_SIZE];
	size_t written;                 /* total bytes ever written: history holds the last ones */
	uint8_t in_buf[INPUT_SIZE];
	struct ring in;
	volatile bool bound;
	volatile bool dead;             /* its guest is gone; freed on unbind */
	bool held;                      /* a console binds it: freeing is the binder's (ports_lock) */
	/* Orders history writes against replay-and-bind: no byte lost, none shown twice. */
	spinlock_t lock;
	void (*rx_notify)(void *ctx);
	void *rx_ctx;
};

static struct list_node ports = LIST_HEAD_INIT(ports);
static spinlock_t ports_lock = SPINLOCK_INIT;

struct vserial *vserial_create(const char *name)
{
	struct vserial *vs = heap_zalloc(sizeof(*vs));
	irqflags_t f;

	if (!vs)
		return NULL;
	snprintf(vs->name, sizeof(vs->name), "%s", name);
	spin_init(&vs->lock);
	ring_init(&vs->in, vs->in_buf, sizeof(vs->in_buf));
	f = spin_lock_irqsave(&ports_lock);
	list_add_tail(&ports, &vs->node);
	spin_unlock_irqrestore(&ports_lock, f);
	return vs;
}

/*
 * Who frees the port is decided under ports_lock, by destroy and by the
 * binder both: exactly one of them does, whatever order they run in.
 */
void vserial_destroy(struct vserial *vs)
{
	irqflags_t f = spin_lock_irqsave(&ports_lock);
	bool held = vs->held;

	list_del(&vs->node);
	vs->dead = true;
	spin_unlock_irqrestore(&ports_lock, f);
	if (!held)
		heap_free(vs);
}

const char *vserial_name(const struct vserial *vs) { return vs->name; }

void vserial_set_rx_notify(struct vserial *vs, void (*fn)(void *ctx), void *ctx)
{
	vs->rx_ctx = ctx;
	vs->rx_notify = fn;
}

static void deliver(struct vserial *vs, uint8_t c)
{
	ring_put(&vs->in, c);
	if (vs->rx_notify)
		vs->rx_notify(vs->rx_ctx);
}

void vserial_write(struct vserial *vs, char c)
{
	irqflags_t f = spin_lock_irqsave(&vs->lock);

	vs->history[vs->written % HISTORY_SIZE] = c;
	vs->written++;
	if (vs->bound)
		log_write(&c, 1);
	spin_unlock_irqrestore(&vs->lock, f);
}

int vserial_read(struct vserial *vs) { return ring_get(&vs->in); }
bool vserial_input_pending(struct vserial *vs) { return ring_count(&vs->in) != 0; }

static struct vserial *find_locked(const char *name)
{
	struct list_node *pos;

	list_for_each(pos, &ports) {
		struct vserial *vs = list_entry(pos, struct vserial, node);
		if (!strcmp(vs->name, name))
			return vs;
	}
	return NULL;
}

struct vserial *vserial_find(const char *name)
{
	irqflags_t f = spin_lock_irqsave(&ports_lock);
	struct vserial *found = find_locked(name);

	spin_unlock_irqrestore(&ports_lock, f);
	return found;
}

void vserial_for_each(void (*fn)(struct vserial *vs, bool bound, size_t history, void *arg), void *arg)
{
	struct list_node *pos;
	irqflags_t f = spin_lock_irqsave(&ports_lock);

	list_for_each(pos, &ports) {
		struct vserial *vs = list_entry(pos, struct vserial, node);
		fn(vs, vs->bound, vs->written < HISTORY_SIZE ? vs->written : HISTORY_SIZE, arg);
	}
	spin_unlock_irqrestore(&ports_lock, f);
}

/* Call with vs->lock held. Under the console lock too: a log line cannot split it. */
static void replay_history(struct vserial *vs)
{
	size_t n = vs->written < HISTORY_SIZE ? vs->written : HISTORY_SIZE;
	size_t start = (vs->written - n) % HISTORY_SIZE;
	size_t first = n < HISTORY_SIZE - start ? n : HISTORY_SIZE - start;

	log_write(vs->history + start, first);
	log_write(vs->history, n - first);
}

int vserial_bind_console(const char *name)
{
	struct vserial *vs;
	bool escape = false, dead;
	irqflags_t f = spin_lock_irqsave(&ports_lock);

	/* Found and held in one step: a destroy in between cannot free it under us. */
	vs = find_locked(name);
	if (!vs || vs->held) {
		spin_unlock_irqrestore(&ports_lock, f);
		return vs ? -2 : -1;
	}
	vs->held = true;
	spin_unlock_irqrestore(&ports_lock, f);
	/* History first, then the banner: everything after the banner is live. */
	f = spin_lock_irqsave(&vs->lock);
	replay_history(vs);
	vs->bound = true;
	kprintf("\n[%s: live; Ctrl-] then q returns to the shell]\n", vs->name);
	spin_unlock_irqrestore(&vs->lock, f);

	while (!vs->dead) {
		char c = (char)console_getc();
		if (escape) {
			escape = false;
			if (c == 'q')
				break;
			deliver(vs, CTRL_RBRACKET);
		} else if (c == CTRL_RBRACKET) {
			escape = true;
			continue;
		}
		deliver(vs, (uint8_t)c);
	}
	f = spin_lock_irqsave(&vs->lock);
	vs->bound = false;
	spin_unlock_irqrestore(&vs->lock, f);
	f = spin_lock_irqsave(&ports_lock);
	vs->held = false;
	dead = vs->dead;
	spin_unlock_irqrestore(&ports_lock, f);
	printf("\n[back to mantle%s]\n", dead ? ": the guest went away" : "");
	if (dead)
		heap_free(vs);
	return 0;
}
