package io.lethe.api;

import java.time.Duration;
import org.openqa.selenium.support.ui.Select;

/** Signs a browser in to the console through the dev form (dev mode), as a person would, from a fresh session. */
final class DevSignIn {

    private DevSignIn() {
    }

    static void as(Browser browser, String base, String tenant, String role, String user) {
        browser.visit(base + "/console/sign-in");
        browser.driver().manage().deleteAllCookies();
        browser.visit(base + "/console/sign-in");
        browser.fill("Tenant", tenant);
        new Select(browser.field("Role")).selectByValue(role);
        browser.fill("User", user);
        browser.button("Sign in").click();
        browser.waitForText(user + " · tenant " + tenant, Duration.ofSeconds(10));
    }
}
