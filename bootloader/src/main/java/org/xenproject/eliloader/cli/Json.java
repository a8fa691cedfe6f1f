package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.jr.ob.JSON;

import org.xenproject.eliloader.error.BootloaderException;

/** The {@code --json} output of the developer commands: one pretty-printed object and a newline (jackson-jr). */
final class Json {
    private static final JSON WRITER = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES);

    private Json() {
    }

    /** The object, nulls written as {@code null}, map order kept. */
    static String object(Map<String, ?> object) {
        try {
            return WRITER.asString(object) + "\n";
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
