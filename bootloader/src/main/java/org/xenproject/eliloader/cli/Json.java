package org.xenproject.eliloader.cli;

import java.util.Map;

import org.xenproject.eliloader.json.JsonTree;

/** The {@code --json} output of the developer commands: one pretty-printed object and a newline. */
final class Json {
    private Json() {
    }

    /** The object, nulls written as {@code null}, map order kept. */
    static String object(Map<String, ?> object) {
        return JsonTree.write(object, true) + "\n";
    }
}
