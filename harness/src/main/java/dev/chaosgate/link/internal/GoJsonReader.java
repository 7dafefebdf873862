package dev.chaosgate.link.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaosgate.link.ApiError;

/** Reads one field of a decoded request object, turning Go type errors into the API's 400 answer. */
final class GoJsonReader {
    private GoJsonReader() {
    }

    static String string(JsonNode object, String field, String goPath) {
        try {
            return GoJson.readString(object.get(field), goPath);
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
    }

    static Boolean bool(JsonNode object, String field, String goPath) {
        try {
            return GoJson.readBool(object.get(field), goPath);
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
    }

    static Float float32(JsonNode object, String field, String goPath) {
        try {
            return GoJson.readFloat32(object.get(field), goPath);
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
    }
}
