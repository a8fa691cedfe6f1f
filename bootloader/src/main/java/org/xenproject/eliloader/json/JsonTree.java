package org.xenproject.eliloader.json;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

/**
 * JSON text to plain Java values and back, with Gson's streaming reader and writer: objects are
 * {@link LinkedHashMap}s (their order kept), arrays {@link ArrayList}s, numbers {@link Long} when
 * whole, else {@link Double}; strings, booleans and null as themselves.
 *
 * <p>Why Gson's stream classes and not a data-binding library: the program's JSON (the local VM
 * store, the {@code --json} reports) is plain trees, and a start reads one. Why not jackson: every
 * jackson parser initialises {@link java.math.BigDecimal}, whose class initialiser on JDK 25
 * computes 5^65536, about 15 ms of CPU on the critical path of every VM start here.
 */
public final class JsonTree {
    private JsonTree() {
    }

    /** A text that is not one strict JSON value (RFC 8259), or not UTF-8. */
    public static final class MalformedJson extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The value of a UTF-8 JSON text: one value, nothing after it. */
    public static Object parse(byte[] utf8) throws MalformedJson {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedJson("not UTF-8 text", e);
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            Object value = read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedJson("more text after the value " + reader.getPath(), null);
            }
            return value;
        } catch (MalformedJson e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new MalformedJson(String.valueOf(e.getMessage()), e);
        }
    }

    private static Object read(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    object.put(name, read(reader)); // a repeated name: the last one counts
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                List<Object> array = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return reader.nextString();
            }
            case NUMBER -> {
                return number(reader.nextString());
            }
            case BOOLEAN -> {
                return reader.nextBoolean();
            }
            case NULL -> {
                reader.nextNull();
                return null;
            }
            default -> throw new MalformedJson("unexpected " + reader.peek() + " at " + reader.getPath(), null);
        }
    }

    private static Number number(String text) {
        boolean whole = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        if (whole) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLong) {
                // beyond a long: as a double below
            }
        }
        return Double.parseDouble(text);
    }

    /**
     * The JSON text of a tree of maps (keys written as strings), collections, strings, booleans,
     * numbers and nulls; {@code pretty} indents it by two spaces. Another kind of value is a bug.
     */
    public static String write(Object value, boolean pretty) {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = new JsonWriter(text)) {
            writer.setStrictness(Strictness.STRICT);
            writer.setSerializeNulls(true);
            if (pretty) {
                writer.setIndent("  ");
            }
            write(writer, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonWriter writer, Object value) throws IOException {
        if (value == null) {
            writer.nullValue();
        } else if (value instanceof Map<?, ?> map) {
            writer.beginObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                writer.name(String.valueOf(entry.getKey()));
                write(writer, entry.getValue());
            }
            writer.endObject();
        } else if (value instanceof Collection<?> collection) {
            writer.beginArray();
            for (Object item : collection) {
                write(writer, item);
            }
            writer.endArray();
        } else if (value instanceof CharSequence || value instanceof Character) {
            writer.value(value.toString());
        } else if (value instanceof Boolean bool) {
            writer.value(bool);
        } else if (value instanceof Number number) {
            writer.value(number);
        } else {
            throw new IllegalArgumentException("no JSON form for a " + value.getClass().getName());
        }
    }
}
