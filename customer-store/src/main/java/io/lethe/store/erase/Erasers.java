package io.lethe.store.erase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in data types (docs/architecture.md, Deletion levels). Other services bring their own {@link Eraser}. */
public final class Erasers {

    public static final String CONVERSATIONS = ConversationsEraser.DATA_TYPE;
    public static final String ATTACHMENTS = AttachmentsEraser.DATA_TYPE;
    public static final String INTEGRATION_DATA = IntegrationDataEraser.DATA_TYPE;
    public static final String CUSTOMER_DETAILS = CustomerDetailsEraser.DATA_TYPE;

    private Erasers() {
    }

    /** Keyed by data type, in the order a PROFILE deletion runs them (customer details last). */
    public static Map<String, Eraser> builtIn() {
        Map<String, Eraser> erasers = new LinkedHashMap<>();
        for (Eraser e : List.of(new ConversationsEraser(), new AttachmentsEraser(), new IntegrationDataEraser(),
                new CustomerDetailsEraser())) {
            erasers.put(e.dataType(), e);
        }
        return java.util.Collections.unmodifiableMap(erasers);
    }
}
