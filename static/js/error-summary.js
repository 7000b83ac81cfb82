// A form came back with errors: start from its summary, so that a screen reader reads it first
// and the keyboard reaches its links at once. Without JavaScript, the page's title says
// « Erreur » and the summary is the first thing in the main content.
document.getElementById("erreurs").focus();
