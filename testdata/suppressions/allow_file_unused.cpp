// iislint: allow-file(request-scope-escape-static) nothing in this file needs it
//~^ unused-suppression
static int g_nHits = 0;

void Count()
{
    g_nHits++;
}
