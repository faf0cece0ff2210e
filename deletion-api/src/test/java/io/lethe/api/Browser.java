package io.lethe.api;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, driven through the distribution's chromedriver, with helpers that
 * find elements the way people do: by role and accessible name, and form fields by their label.
 * Tests use these, never CSS classes or XPath. The chromedriver path is given to the service, so
 * Selenium Manager is skipped and nothing is ever downloaded; each browser gets a fresh profile
 * that is deleted on close.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String MISSING = "Chromium not installed: apt-get install chromium chromium-driver";

    private static final String BUTTONS =
            "button, input[type=submit], input[type=button], input[type=reset], input[type=image], [role=button]";
    private static final String LINKS = "a[href], area[href], [role=link]";
    private static final Set<String> REPORTED_IMPACTS = Set.of("serious", "critical");

    /** Every label tied to a form control: [its own text (without the controls it wraps and aria-hidden parts), the control]. */
    private static final String LABELLED_CONTROLS = String.join("\n",
            "const pairs = [];",
            "for (const label of document.querySelectorAll('label')) {",
            "  const control = label.control;",
            "  if (!control || !['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName)) continue;",
            "  const copy = label.cloneNode(true);",
            "  copy.querySelectorAll('input, select, textarea, button, [aria-hidden=true]').forEach(e => e.remove());",
            "  pairs.push([copy.textContent, control]);",
            "}",
            "return pairs;");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * A new headless Chromium. Without Chromium the test is aborted (skipped), except in CI
     * (env CI=true), where browser tests are mandatory and a missing browser is a failure.
     */
    public static Browser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(MISSING + " (browser tests are mandatory in CI)");
            }
            Assumptions.abort(MISSING);
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("lethe-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Browser(driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    /** The underlying WebDriver, for what the helpers don't cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens a URL and waits for the page to load. */
    public Browser visit(String url) {
        driver.get(url);
        return this;
    }

    /** The current URL. */
    public String url() {
        return driver.getCurrentUrl();
    }

    /** The page's visible text. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Waits until the page's visible text contains {@code text}. */
    public Browser waitForText(String text, Duration timeout) {
        new WebDriverWait(driver, timeout)
                .withMessage(() -> "text \"" + text + "\" on " + driver.getCurrentUrl() + ", page reads:\n" + text())
                .until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), text));
        return this;
    }

    /** The one visible button (button element, submit/button/reset input, role=button) with this accessible name. */
    public WebElement button(String accessibleName) {
        return one("button", accessibleName, byRole("button", BUTTONS, accessibleName));
    }

    /** All visible buttons with this accessible name (e.g. a "Cancel" on every row). */
    public List<WebElement> buttons(String accessibleName) {
        return byRole("button", BUTTONS, accessibleName);
    }

    /** The one visible link with this accessible name. */
    public WebElement link(String accessibleName) {
        return one("link", accessibleName, byRole("link", LINKS, accessibleName));
    }

    /** All visible links with this accessible name. */
    public List<WebElement> links(String accessibleName) {
        return byRole("link", LINKS, accessibleName);
    }

    /**
     * The one input, select or textarea labelled {@code label} by a {@code <label>}, through
     * {@code for} or by wrapping it. The label's text is compared without the controls it wraps
     * and without aria-hidden decorations such as a required-field asterisk.
     */
    public WebElement field(String label) {
        String want = normalize(label);
        List<WebElement> hits = new ArrayList<>();
        Set<String> labels = new LinkedHashSet<>();
        for (Object pair : (List<?>) ((JavascriptExecutor) driver).executeScript(LABELLED_CONTROLS)) {
            String text = normalize((String) ((List<?>) pair).get(0));
            WebElement control = (WebElement) ((List<?>) pair).get(1);
            labels.add('"' + text + '"');
            if (text.equals(want) && !hits.contains(control)) {
                hits.add(control);
            }
        }
        if (hits.size() == 1) {
            return hits.get(0);
        }
        if (hits.isEmpty()) {
            throw new NoSuchElementException("no field labelled \"" + want + "\" on " + driver.getCurrentUrl()
                    + "; labels: " + labels);
        }
        throw new IllegalStateException(hits.size() + " fields labelled \"" + want + "\" on " + driver.getCurrentUrl());
    }

    /** Sets a text field's value as a user would: clears it and types. */
    public Browser fill(String label, String value) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(value);
        return this;
    }

    /** Saves a PNG of the viewport, creating parent directories. */
    public Path screenshot(Path png) {
        try {
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serious and critical violations axe-core finds on the current page (all its default rules). */
    public List<Rule> axeViolations() {
        Results results = new AxeBuilder().analyze(driver);
        if (results.isErrored()) {
            throw new IllegalStateException("axe-core failed on " + driver.getCurrentUrl() + ": " + results.getErrorMessage());
        }
        return results.getViolations().stream()
                .filter(rule -> REPORTED_IMPACTS.contains(rule.getImpact()))
                .collect(Collectors.toList());
    }

    /** Violations as readable lines, for assertion messages: rule id, impact, help, offending elements. */
    public static String describe(List<Rule> violations) {
        return violations.stream()
                .map(rule -> rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " " + rule.getHelpUrl()
                        + rule.getNodes().stream().map(node -> "\n    " + node.getTarget() + " " + node.getHtml())
                                .collect(Collectors.joining()))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        try {
            driver.quit(); // also stops the chromedriver service
        } finally {
            deleteTree(profile);
        }
    }

    private List<WebElement> byRole(String role, String candidates, String accessibleName) {
        String want = normalize(accessibleName);
        List<WebElement> hits = new ArrayList<>();
        for (WebElement element : driver.findElements(By.cssSelector(candidates))) {
            if (want.equals(normalize(element.getAccessibleName()))
                    && role.equals(element.getAriaRole())
                    && element.isDisplayed()) {
                hits.add(element);
            }
        }
        return hits;
    }

    private WebElement one(String role, String accessibleName, List<WebElement> hits) {
        if (hits.size() == 1) {
            return hits.get(0);
        }
        String want = normalize(accessibleName);
        if (hits.isEmpty()) {
            throw new NoSuchElementException("no " + role + " named \"" + want + "\" on " + driver.getCurrentUrl()
                    + "; " + role + "s: " + names(role.equals("button") ? BUTTONS : LINKS));
        }
        throw new IllegalStateException(hits.size() + " " + role + "s named \"" + want + "\" on " + driver.getCurrentUrl());
    }

    private Set<String> names(String candidates) {
        Set<String> names = new LinkedHashSet<>();
        for (WebElement element : driver.findElements(By.cssSelector(candidates))) {
            names.add('"' + normalize(element.getAccessibleName()) + '"');
        }
        return names;
    }

    private static String normalize(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /** Deletes the profile; Chromium may still be flushing it while it exits, so one retry. */
    private static void deleteTree(Path root) {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(path);
                }
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 2) {
                    throw new IllegalStateException("could not delete browser profile " + root, e);
                }
            }
        }
    }
}
