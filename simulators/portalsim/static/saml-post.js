// The SAML HTTP-POST binding's page: post the signed response on, as identity providers do.
document.querySelector("form[data-autosubmit]")?.submit();
