/* Mantle's memory image: identity-mapped at RAM_BASE + TEXT_OFFSET. */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

#define LOAD_ADDR (CONFIG_RAM_BASE + CONFIG_TEXT_OFFSET)
#define PAGE 4096

SECTIONS
{
	. = LOAD_ADDR;
	_start = .;
	.text : {
		KEEP(*(.text.head))
		*(.text .text.*)
	}
	. = ALIGN(PAGE);
	_text_end = .;

	.rodata : {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__driver_table_start = .;
		KEEP(*(.driver_table))
		__driver_table_end = .;
		. = ALIGN(8);
		__shell_cmd_table_start = .;
		KEEP(*(.shell_cmd_table))
		__shell_cmd_table_end = .;
		. = ALIGN(8);
		__emulator_table_start = .;
		KEEP(*(.emulator_table))
		__emulator_table_end = .;
	}
	.eh_frame : { *(.eh_frame) }
	. = ALIGN(PAGE);
	_rodata_end = .;

	.data : {
		*(.data .data.*)
	}
	.tdata : { *(.tdata .tdata.*) }
	.tbss : { *(.tbss .tbss.*) }
	. = ALIGN(PAGE);
	_data_end = .;

	.bss (NOLOAD) : {
		_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_bss_end = .;
	}
	. = ALIGN(PAGE);
	_end = .;
	_image_size = _end - _start;

	/DISCARD/ : { *(.comment) *(.note*) }
}

/* libc code that uses thread-local storage reads TPIDR_EL0, which at EL2
 * belongs to whichever guest last ran; none may be linked in. */
ASSERT(SIZEOF(.tdata) == 0 && SIZEOF(.tbss) == 0,
       "thread-local storage linked into Mantle: a libc function would use the guest's TPIDR_EL0")
