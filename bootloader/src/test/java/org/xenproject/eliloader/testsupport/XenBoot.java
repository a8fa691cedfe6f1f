package org.xenproject.eliloader.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a test that boots a real Xen hypervisor and dom0 in qemu (TCG) and drives {@code xl} there:
 * JUnit tags {@value #TAG}, {@value QemuBoot#TAG} and {@value RealPeers#TAG}, so
 * {@code -DexcludedGroups=qemu} and {@code scripts/test --fast} leave it out like every qemu boot.
 * It needs root, qemu-system-x86, the dom0 image of {@code scripts/make-xen-image} (which
 * {@code scripts/test} builds before the suite, while the network is there) and the .deb of
 * {@code scripts/package}. About 3 minutes: {@code -Dgroups=xen} runs only these.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(XenBoot.TAG)
@Tag(QemuBoot.TAG)
@Tag(RealPeers.TAG)
public @interface XenBoot {
    /** The JUnit tag of the boots of a real Xen. */
    String TAG = "xen";
}
