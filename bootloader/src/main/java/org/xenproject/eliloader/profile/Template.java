package org.xenproject.eliloader.profile;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** A profile string with {@code ${name}} placeholders. */
public final class Template {
    private Template() {
    }

    /** Replaces each {@code ${name}}; an unknown name is a profile error. */
    public static String expand(String template, Function<String, String> lookup, String where) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                out.append(template, i, template.length());
                break;
            }
            int end = template.indexOf('}', start);
            if (end < 0) {
                throw new ProfileException(where + ": unclosed ${ in \"" + template + "\"");
            }
            out.append(template, i, start);
            String name = template.substring(start + 2, end);
            String value = lookup.apply(name);
            if (value == null) {
                throw new ProfileException(where + ": unknown variable ${" + name + "} in \"" + template + "\"");
            }
            out.append(value);
            i = end + 1;
        }
        return out.toString();
    }

    public static String expand(String template, Map<String, String> variables, String where) {
        return expand(template, variables::get, where);
    }

    /** The placeholder names a template uses, for validation. */
    public static Set<String> names(String template) {
        Set<String> names = new TreeSet<>();
        int i = 0;
        while ((i = template.indexOf("${", i)) >= 0) {
            int end = template.indexOf('}', i);
            if (end < 0) {
                break;
            }
            names.add(template.substring(i + 2, end));
            i = end + 1;
        }
        return names;
    }
}
