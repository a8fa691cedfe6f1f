package org.xenproject.eliloader.round;

/** One step of a round, named in profiles' {@code rounds} lists. */
@FunctionalInterface
public interface RoundAction {
    void run(InstallContext context);
}
