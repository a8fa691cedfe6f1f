/**
 * Files this program creates: one rule for their rights and names, used by every package.
 *
 * <pre>{@code
 * Path kernel = NewFile.create(runDirectory, "boot_kernel.", "");   // 0600, exclusive, boot_kernel.<number>
 * }</pre>
 */
package org.xenproject.eliloader.files;
