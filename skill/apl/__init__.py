"""Echo Show visuals: the one APL document (responsive components of the Alexa layouts
package) and the datasource built from a Reply's `visual`, for devices that support
Alexa.Presentation.APL. Voice-only devices never see any of it."""
