/**
 * xl as a toolstack: where libxl runs eliloader ({@code bootloader = "eliloader"}) no VM record
 * exists, so this package makes one per start and keeps the install state itself.
 *
 * <ul>
 * <li>{@code XlIdentity}: which VM a start is for. {@code --vm=NAME} in {@code bootloader_args},
 * else the domain id in libxl's output paths ({@code /var/lib/xen/bootloader.DOMID.d}, {@code .out};
 * libxl passes no {@code --domid}) read as a name with {@code xenstore-read /local/domain/DOMID/name}.
 * The name becomes a file name: one strict policy ({@code XlIdentity.NAME}).</li>
 * <li>{@code XlToolstack}: the {@code Toolstack} of an xl start. Its {@code VmRecord} is the
 * command line's install keys (checked by {@code InstallSettings} as a record's other-config is)
 * plus what the state file keeps; its disks are made up from the boot disk libxl names. Its state
 * file, {@code XL_STATE_DIR/NAME.json}, is a one-VM {@code LocalJsonStore}, so the round's
 * {@code RecordEdit}s from {@code round.Bookkeeping} are applied exactly as for the local store
 * (lock per VM, rename, refusal when another start of the VM recorded meanwhile). Disk edits xl
 * cannot take become one line on stderr (the guest console) with the config change, and are kept.</li>
 * <li>{@code XlState}: the state as {@code eliloader xl status} shows it; {@code reinstall}.</li>
 * </ul>
 *
 * <p>Flow ({@code cli.BootCommand} with {@code cli.XlStart}): resolve the name, open the state,
 * then either {@code Installer.plan} (a round, as under every toolstack) or, once installed,
 * {@code Installer.handOffInstalled} (pygrub with the stored {@code PV-bootloader-args}).
 */
package org.xenproject.eliloader.toolstack.xl;
