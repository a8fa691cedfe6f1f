package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.jr.ob.JSON;

/** Builds local VM stores for tests and reads them back. */
public final class VmStoreFixture {
    public static final String VM = "6d0c1e55-7d5e-4c3a-9c4e-2d1f0a9b8c7d";

    private final Map<String, Object> vm = new LinkedHashMap<>();
    private final Map<String, String> otherConfig = new LinkedHashMap<>();
    private final Map<String, String> platform = new LinkedHashMap<>();
    private final List<Map<String, Object>> vbds = new ArrayList<>();
    private final Map<String, Object> secrets = new LinkedHashMap<>();

    private VmStoreFixture() {
        vm.put("name_label", "install test");
        vm.put("PV_bootloader", "eliloader");
        vm.put("PV_bootloader_args", "");
        vm.put("PV_args", "");
    }

    public static VmStoreFixture vm() {
        return new VmStoreFixture().disk("0", true);
    }

    public VmStoreFixture other(String key, String value) {
        otherConfig.put(key, value);
        return this;
    }

    public VmStoreFixture platform(String key, String value) {
        platform.put(key, value);
        return this;
    }

    public VmStoreFixture field(String key, Object value) {
        vm.put(key, value);
        return this;
    }

    public VmStoreFixture disk(String userdevice, boolean bootable) {
        Map<String, Object> vbd = new LinkedHashMap<>();
        vbd.put("uuid", "vbd-" + userdevice);
        vbd.put("userdevice", userdevice);
        vbd.put("bootable", bootable);
        vbd.put("type", "Disk");
        vbd.put("mode", "RW");
        vbd.put("image", "/dev/null");
        vbd.put("other_config", new LinkedHashMap<>());
        vbds.add(vbd);
        return this;
    }

    /** A VBD of any kind: {@code type} is {@code Disk} or {@code CD}; its uuid is {@code vbd-USERDEVICE}. */
    public VmStoreFixture vbd(String userdevice, boolean bootable, String type, boolean attached,
            Map<String, String> vbdOtherConfig) {
        Map<String, Object> vbd = new LinkedHashMap<>();
        vbd.put("uuid", "vbd-" + userdevice);
        vbd.put("userdevice", userdevice);
        vbd.put("bootable", bootable);
        vbd.put("type", type);
        vbd.put("mode", "CD".equals(type) ? "RO" : "RW");
        vbd.put("image", "/dev/null");
        vbd.put("currently_attached", attached);
        vbd.put("other_config", new LinkedHashMap<>(vbdOtherConfig));
        vbds.add(vbd);
        return this;
    }

    /** Drops the VBDs added so far (e.g. the default bootable disk at userdevice 0). */
    public VmStoreFixture noVbds() {
        vbds.clear();
        return this;
    }

    /** Sets another field of the VBD in slot {@code userdevice} (e.g. currently_attached, VDI, type). */
    public VmStoreFixture vbdField(String userdevice, String key, Object value) {
        for (Map<String, Object> vbd : vbds) {
            if (userdevice.equals(vbd.get("userdevice"))) {
                vbd.put(key, value);
                return this;
            }
        }
        throw new IllegalArgumentException("no VBD in slot " + userdevice);
    }

    public VmStoreFixture secret(String uuid, String value) {
        secrets.put(uuid, value);
        return this;
    }

    public Path writeTo(Path file) {
        Map<String, Object> record = new LinkedHashMap<>(vm);
        record.put("other_config", otherConfig);
        record.put("platform", platform);
        record.put("VBDs", vbds);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("vms", Map.of(VM, record));
        doc.put("secrets", secrets);
        try {
            Files.write(file, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The VM record as stored now. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path file) {
        try {
            Map<String, Object> doc = JSON.std.mapFrom(Files.readAllBytes(file));
            return (Map<String, Object>) ((Map<String, Object>) doc.get("vms")).get(VM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The VM's VBDs as stored now, by uuid. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> vbds(Path file) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        for (Object o : (List<Object>) read(file).get("VBDs")) {
            Map<String, Object> vbd = (Map<String, Object>) o;
            result.put(String.valueOf(vbd.get("uuid")), vbd);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> otherConfig(Path file) {
        return (Map<String, Object>) read(file).get("other_config");
    }
}
