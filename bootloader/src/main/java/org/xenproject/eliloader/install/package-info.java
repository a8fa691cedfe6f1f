/**
 * The install pipeline, one for every entry point.
 *
 * <pre>{@code
 * InstallRequest request = InstallRequest.forVm(vm, hostSettings, callerRequest, toolstack::secretValue);
 * try (BootPlan plan = Installer.plan(request)) {
 *     write(plan.answer());                 // the caller's format, files already complete
 *     toolstack.apply(vm.uuid(), plan.edits()); // safe order: the last edit decides the next start
 *     plan.handOver();                      // from here the caller owns the files
 * }                                         // close() removes whatever was not handed over
 * }</pre>
 *
 * Under xl, an installed VM has no round left but still runs eliloader: {@code
 * Installer.handOffInstalled(request)} is its plan, a pygrub hand-off with the stored
 * {@code PV-bootloader-args} and no edits.
 *
 * The installer reads the VM record but never writes it; {@code probe} is the same call with a
 * scratch output directory, no boot disk and the edits printed instead of applied.
 */
package org.xenproject.eliloader.install;
