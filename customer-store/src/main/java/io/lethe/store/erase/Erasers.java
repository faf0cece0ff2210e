package io.lethe.store.erase;

import io.lethe.events.Scope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
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

    /**
     * Per scope, the built-in data types whose eraser acts on it ({@link Eraser#scopes()}), in
     * phases: customer details after all the others, because it removes what links the customer
     * to the rest (a failure before it leaves the profile findable for a retry).
     */
    public static Map<Scope, List<List<String>>> phases() {
        Map<Scope, List<List<String>>> out = new EnumMap<>(Scope.class);
        for (Scope scope : Scope.values()) {
            List<String> first = new ArrayList<>();
            List<String> last = new ArrayList<>();
            builtIn().forEach((type, eraser) -> {
                if (eraser.scopes().contains(scope)) {
                    (type.equals(CUSTOMER_DETAILS) ? last : first).add(type);
                }
            });
            List<List<String>> phases = new ArrayList<>();
            for (List<String> p : List.of(first, last)) {
                if (!p.isEmpty()) {
                    phases.add(List.copyOf(p));
                }
            }
            out.put(scope, List.copyOf(phases));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Keyed by data type, in the order a PROFILE deletion runs them (customer details last). */
    public static Map<String, Eraser> builtIn() {
        Map<String, Eraser> erasers = new LinkedHashMap<>();
        for (Eraser e : List.of(new ConversationsEraser(), new AttachmentsEraser(), new IntegrationDataEraser(),
                new CustomerDetailsEraser())) {
            erasers.put(e.dataType(), e);
        }
        return Collections.unmodifiableMap(erasers);
    }
}
