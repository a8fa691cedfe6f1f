package org.xenproject.eliloader.toolstack;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only snapshot of the VM fields the install rounds use. Names follow XenAPI's.
 */
public record VmRecord(String uuid, String nameLabel, String pvBootloader, String pvBootloaderArgs,
        String pvArgs, Map<String, String> otherConfig, Map<String, String> platform, List<Vbd> vbds) {

    public VmRecord {
        otherConfig = Map.copyOf(otherConfig);
        platform = Map.copyOf(platform);
        vbds = List.copyOf(vbds);
    }

    public Optional<String> otherConfig(String key) {
        return Optional.ofNullable(otherConfig.get(key));
    }

    public Optional<String> platform(String key) {
        return Optional.ofNullable(platform.get(key));
    }
}
