package io.lethe.store.seed;

import java.util.List;

/**
 * Word lists for synthetic customers. Invented combinations only; no real person's data.
 * Values contain no quote, backslash, tab or newline, so they embed in JSON and COPY text as is.
 */
final class FakeData {

    static final List<String> FIRST_NAMES = List.of("Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Greta", "Hiro",
            "Ines", "Jonas", "Kara", "Liam", "Mona", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Uma",
            "Victor", "Wendy", "Xavier", "Yara", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri", "Emma", "Felix", "Gina",
            "Hugo", "Isla", "Jamal", "Keiko", "Lars", "Maya", "Nils", "Oscar", "Priya", "Rafael", "Sofia", "Tomas",
            "Ulrike", "Vera", "Wei", "Yusuf", "Zara");

    static final List<String> LAST_NAMES = List.of("Schmidt", "Garcia", "Nguyen", "Smith", "Kowalski", "Rossi",
            "Johansson", "Tanaka", "Okafor", "Dubois", "Murphy", "Silva", "Jensen", "Novak", "Fischer", "Lopez",
            "Chen", "Patel", "Andersen", "Costa", "Moreau", "Keller", "Wagner", "Ivanova", "Haddad", "Kim", "Larsen",
            "Becker", "Romano", "Sato", "Brown", "Walsh", "Meyer", "Santos", "Horvat", "Berg", "Yilmaz", "Khan",
            "Weber", "Lindqvist", "Ortiz", "Hoffmann", "Moretti", "Petrov", "Ali", "Clarke", "Vogel", "Nakamura",
            "Ferreira", "Olsen");

    static final List<String> STREETS = List.of("Maple", "Oak", "Lindenweg", "Harbor", "Hillside", "Mill", "Station",
            "Church", "Park", "River", "Elm", "Cedar", "Market", "Kings", "Queens", "Bridge", "Garden", "Lake",
            "Orchard", "Sunset");

    static final List<String> STREET_KINDS = List.of("Street", "Avenue", "Road", "Lane", "Way", "Drive");

    /** city, postal code prefix, ISO country, phone prefix */
    static final List<String[]> CITIES = List.of(
            new String[] {"Portland", "972", "US", "+1 503"},
            new String[] {"Austin", "787", "US", "+1 512"},
            new String[] {"Denver", "802", "US", "+1 303"},
            new String[] {"Boston", "021", "US", "+1 617"},
            new String[] {"Berlin", "101", "DE", "+49 30"},
            new String[] {"Hamburg", "204", "DE", "+49 40"},
            new String[] {"Dublin", "D02", "IE", "+353 1"},
            new String[] {"Lyon", "690", "FR", "+33 4"},
            new String[] {"Madrid", "280", "ES", "+34 91"},
            new String[] {"Toronto", "M5V", "CA", "+1 416"});

    static final List<String> EMAIL_DOMAINS = List.of("example.com", "example.org", "example.net", "mail.example",
            "inbox.example");

    static final List<String> PRODUCTS = List.of("trail running shoes", "rain jacket", "wool sweater",
            "espresso machine", "desk lamp", "yoga mat", "backpack", "bluetooth speaker", "coffee grinder",
            "winter boots", "linen shirt", "water bottle");

    static final List<String> SUBJECTS = List.of("Where is my order %s?", "Return request for my %s",
            "Question about the %s", "Wrong size delivered (%s)", "Damaged %s on arrival", "Refund for order %s",
            "Change delivery address for %s", "Warranty claim: %s");

    static final List<String> INBOUND = List.of(
            "Hi, this is %1$s. My order %2$s has not arrived yet. Could you check? My number is %3$s.",
            "Hello, I would like to return the %4$s from order %2$s. It does not fit. Thanks, %1$s",
            "The %4$s I received is damaged. Please send a replacement to %5$s. - %1$s",
            "Can you update my delivery address to %5$s for order %2$s? Call me at %3$s if needed.",
            "Still waiting for my refund for order %2$s. This is %1$s again.",
            "Thanks for the quick help! The %4$s works great now. Best, %1$s");

    static final List<String> OUTBOUND = List.of(
            "Hi %1$s, thanks for reaching out! I have looked into order %2$s and it ships tomorrow.",
            "Hi %1$s, I am sorry about the %4$s. I have started a return; the label is on its way.",
            "Hello %1$s, your refund for order %2$s has been issued and should arrive in 5 business days.",
            "Hi %1$s, I updated the address on order %2$s to %5$s. Anything else I can do?",
            "Hi %1$s, could you send us a photo of the %4$s so we can process the claim?");

    static final List<String> CSAT_COMMENTS = List.of("Very helpful agent", "Took too long", "Solved on first contact",
            "Friendly but slow", "Great service, thank you");

    private FakeData() {
    }
}
