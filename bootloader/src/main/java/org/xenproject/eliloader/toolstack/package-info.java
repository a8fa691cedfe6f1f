/**
 * The VM record behind one interface, {@code Toolstack}: read a {@code VmRecord}, apply
 * {@code RecordEdit}s in order, look up a secret. Two backends: XenAPI ({@code toolstack.xenapi},
 * over dom0's unix socket or HTTPS to a pool master) and the local JSON store
 * ({@code toolstack.local}); {@code ToolstackFactory.open(settings)} chooses. Under xl, where no
 * record exists, {@code toolstack.xl} makes one from the command line and a per-VM state file
 * (a one-VM local store), chosen when the install keys are on the command line. A test suite
 * ({@code BackendScenarios}) runs the same scenarios against both.
 */
package org.xenproject.eliloader.toolstack;
