"""django-otp's TOTP device admin, answering 404 (not 500) for a device that does not exist.

Its "config" and "qrcode" views look the device up with `.get()`, so a removed or mistyped
device number raised DoesNotExist and answered 500 (found by the route fuzz test). The admin
class is registered again with the lookup guarded. Imported from members/admin.py, after
django-otp has registered its own admin.
"""

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class GuardedTOTPDeviceAdmin(TOTPDeviceAdmin):
    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, GuardedTOTPDeviceAdmin)
