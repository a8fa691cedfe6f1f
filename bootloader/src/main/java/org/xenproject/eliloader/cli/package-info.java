/**
 * The command line: what each caller passes (xenopsd, the old xapi, libxl, a developer) and
 * the entry points it selects.
 *
 * <p>{@code Main.run(args, environment, stdout, stderr)} parses the arguments
 * ({@code CommandLine}), picks the entry point ({@code BootCommand} for a VM start,
 * {@code ProbeCommand} for {@code probe}, {@code ProfilesCommand} for {@code profiles},
 * {@code XlCommand} for {@code xl status|reinstall}; a VM start whose install keys are options is
 * an xl start, {@code XlStart}, see {@code toolstack.xl}) and
 * turns every failure into the callers' error contract: {@code RuntimeError: CODE} and one
 * sentence on stderr, a non-zero exit, no stack trace. Entry points only wire: they build an
 * {@link org.xenproject.eliloader.install.InstallRequest}, let the
 * {@link org.xenproject.eliloader.install.Installer} plan the round and then write the answer
 * and apply the plan's record edits (or, for {@code probe}, print them). A new caller or entry
 * point goes here, and nothing else changes: a subcommand is one constant of {@code Subcommand},
 * the registry {@code Main} dispatches through and {@code Manual} (help, man page) describes.
 */
package org.xenproject.eliloader.cli;
