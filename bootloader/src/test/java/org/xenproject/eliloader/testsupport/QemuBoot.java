package org.xenproject.eliloader.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a test that boots a real installer in qemu: JUnit tags {@value #TAG} and
 * {@value RealPeers#TAG} (it needs qemu-system-x86, the downloaded Debian installer and nginx,
 * see {@link RealPeers}), so {@code scripts/test --fast} leaves it out too. It takes minutes:
 * {@code -DexcludedGroups=qemu} runs everything else, {@code -Dgroups=qemu} only these.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(QemuBoot.TAG)
@Tag(RealPeers.TAG)
public @interface QemuBoot {
    /** The JUnit tag of the qemu boots. */
    String TAG = "qemu";
}
