/**
 * The answer a caller reads: a {@code BootEntry} (kernel, ramdisk, args) rendered in the
 * caller's {@code OutputFormat} ({@code simple} for xenopsd, {@code simple0} for libxl,
 * {@code sxp} for the old xapi). Values that would break a format are refused, never emitted.
 * A new output format is one constant of {@code OutputFormat}.
 */
package org.xenproject.eliloader.answer;
