/**
 * Distributions as data: one YAML document per family or version in {@code distro-profiles/}
 * (inheriting with {@code extends}), parsed at build time into a snapshot for the shipped ones
 * and at run time for a site's directory ({@code ProfileRegistry.forHost}).
 *
 * <p>{@code ProfileSelector.select} turns {@code install-distro} into a {@code Profile}: an id
 * as it is, an alias or {@code auto} by the {@code Detector}, which reads the tree's metadata
 * ({@code .treeinfo}, {@code .discinfo}, SUSE {@code content} and products, {@code .disk/info},
 * any named file) through the run's one {@link org.xenproject.eliloader.source.TreeFiles}
 * cache, in an explicit order. When no rule matches, the family and version the tree states
 * ({@code TreeMetadata.stated}) pick the profile whose {@code Release} range covers them, or end
 * the run naming the nearest; only a tree that states nothing gets the alias's default. A
 * profile marked {@code unsupported} (a release without a Xen PV installer) is never booted. A new distro is
 * a profile file and a fixture; a new kind of detection rule goes in {@code Detector} and
 * {@code TreeMetadata}.
 */
package org.xenproject.eliloader.profile;
