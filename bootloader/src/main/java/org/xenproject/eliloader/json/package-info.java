/**
 * JSON as plain Java trees, for the local VM store and the {@code --json} reports.
 *
 * <pre>{@code
 * Object tree = JsonTree.parse(Files.readAllBytes(store));   // Map, List, String, Long, Double, Boolean, null
 * String text = JsonTree.write(Map.of("vms", vms), true);      // two-space indent
 * }</pre>
 */
package org.xenproject.eliloader.json;
